package cluster

import "testing"

// BenchmarkCompileLexicon compiles the embedded lexicon, as each process
// and each new workshop vocabulary does once.
func BenchmarkCompileLexicon(b *testing.B) {
	lx := mustDefaultLexicon()
	st := newStemmer()
	b.ReportAllocs()
	for b.Loop() {
		newMatcher(lx, nil, st)
	}
}
