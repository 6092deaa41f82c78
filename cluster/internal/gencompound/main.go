// Command gencompound derives the list of productive Dutch compound parts
// that the cluster package embeds (compound.txt.gz) from a word list such
// as /usr/share/dict/dutch (Debian package wdutch, OpenTaal). A word is
// kept when it is the head or modifier of at least -min compounds in the
// list, so the embedded list stays small while it covers the parts that
// compounds are actually built from.
//
// Run it through go generate in the cluster package; the package itself
// never reads the system dictionary.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
)

func main() {
	dict := flag.String("dict", "/usr/share/dict/dutch", "word list, one word a line")
	out := flag.String("out", "compound.txt.gz", "output file")
	minUse := flag.Int("min", 3, "least number of compounds a part must occur in")
	flag.Parse()
	if err := run(*dict, *out, *minUse); err != nil {
		fmt.Fprintln(os.Stderr, "gencompound:", err)
		os.Exit(1)
	}
}

func run(dict, out string, minUse int) error {
	f, err := os.Open(dict)
	if err != nil {
		return err
	}
	defer f.Close()
	words := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := sc.Text()
		if len(w) < 3 || len(w) > 30 || !lowerASCII(w) {
			continue
		}
		words[w] = true
	}
	if err := sc.Err(); err != nil {
		return err
	}
	uses := map[string]int{}
	for w := range words {
		if len(w) < 7 {
			continue
		}
		for i := 3; i <= len(w)-3; i++ {
			a, b := w[:i], w[i:]
			if !words[b] || len(b) < 3 {
				continue
			}
			switch {
			case words[a]:
				uses[a]++
				uses[b]++
			case strings.HasSuffix(a, "s") && len(a) > 4 && words[a[:len(a)-1]]:
				uses[a[:len(a)-1]]++
				uses[b]++
			}
		}
	}
	var keep []string
	for w, n := range uses {
		if n >= minUse {
			keep = append(keep, w)
		}
	}
	sort.Strings(keep)
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(o, gzip.BestCompression)
	if err != nil {
		return err
	}
	for _, w := range keep {
		fmt.Fprintln(zw, w)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gencompound: %d of %d words kept\n", len(keep), len(words))
	return o.Close()
}

func lowerASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
