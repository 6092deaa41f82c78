package ocr

import (
	"context"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Speed is measured here, never asserted in tests. Run on one core:
//
//	GOMAXPROCS=1 go test -run '^$' -bench 'BenchmarkRead$' -benchtime 40x ./ocr
//
// and the parallel efficiency on two cores:
//
//	go test -run '^$' -bench 'BenchmarkReadWorkers' -benchtime 40x ./ocr
//
// BenchmarkRead reports the median time per note (ms/note-median); the
// Workers benchmark reports notes/s, from which the efficiency is
// notes/s(2 workers) / (2 x notes/s(1 worker)).

// BenchmarkRead reads corpus notes one after the other with one worker.
func BenchmarkRead(b *testing.B) {
	cases := evalCases(b, "wall", 40)
	r, err := New(Options{Workers: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	read(b, r, cases[0].crop) // warm up
	var times, cpu []time.Duration
	b.ResetTimer()
	for i := range b.N {
		start, startCPU := time.Now(), cpuTime()
		read(b, r, cases[i%len(cases)].crop)
		times = append(times, time.Since(start))
		cpu = append(cpu, cpuTime()-startCPU)
	}
	b.StopTimer()
	slices.Sort(times)
	slices.Sort(cpu)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms/note-median")
	b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "ms/note-p90")
	// CPU time of the process per note: what the note costs, whatever else
	// the machine is doing (the wall time above includes waiting for a core).
	b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds())/1000, "cpu-ms/note-median")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadWorkers reads the same notes with 1 and 2 workers, each fed
// by as many goroutines, and reports notes per second.
func BenchmarkReadWorkers(b *testing.B) {
	cases := evalCases(b, "wall", 40)
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "1", 2: "2"}[workers], func(b *testing.B) {
			r, err := New(Options{Workers: workers})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			read(b, r, cases[0].crop)
			b.ResetTimer()
			start, startCPU := time.Now(), cpuTime()
			next := make(chan int)
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						if _, err := r.Read(context.Background(), cases[i%len(cases)].crop); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for i := range b.N {
				next <- i
			}
			close(next)
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "notes/s")
			b.ReportMetric(float64(b.N)/(cpuTime()-startCPU).Seconds(), "notes/cpu-s")
		})
	}
}
