package capture

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"wallscan/synth"
)

// benchPhoto generates a synth photo of the given size once per process.
var benchPhotos = map[string][]byte{}

func benchPhoto(b testing.TB, w, h int, level synth.Level) []byte {
	key := fmt.Sprintf("%dx%d-%s", w, h, level)
	if d, ok := benchPhotos[key]; ok {
		return d
	}
	wall, err := synth.Generate(synth.Options{Seed: 1, Level: level, Width: w, Height: h})
	if err != nil {
		b.Fatal(err)
	}
	d, err := wall.JPEG(wall.Quality)
	if err != nil {
		b.Fatal(err)
	}
	benchPhotos[key] = d
	return d
}

// BenchmarkSegment segments a 12 MP (4000x3000) standard synth photo:
// decode, detection, colours, quality and full-resolution crops. It
// reports the median wall and CPU time per photo. For the one-core figure
// run it as
//
//	OPENCV_FOR_THREADS_NUM=1 GOMAXPROCS=1 go test -run - -bench Segment -cpu 1 ./capture/
//
// (OpenCV runs its own thread pool; the variable limits it to one thread.)
func BenchmarkSegment(b *testing.B) {
	for _, lv := range []synth.Level{synth.LevelStandard, synth.LevelHard} {
		b.Run(string(lv), func(b *testing.B) {
			data := benchPhoto(b, 4000, 3000, lv)
			seg := NewSegmenter(Options{})
			medians(b, func() {
				if _, err := seg.Segment(context.Background(), data); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// medians runs op in the benchmark loop and reports the median wall time
// and CPU time of one run, in ms. On a shared machine the wall time
// includes waiting for a core; the CPU time of the process is the cost
// itself.
func medians(b *testing.B, op func()) {
	var times, cpu []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0, c0 := time.Now(), cpuTime()
		op()
		times = append(times, time.Since(t0))
		cpu = append(cpu, cpuTime()-c0)
	}
	med := func(d []time.Duration) float64 {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return float64(d[len(d)/2].Microseconds()) / 1000
	}
	b.ReportMetric(med(times), "ms-median")
	b.ReportMetric(med(cpu), "cpu-ms-median")
}

// BenchmarkSegmentPeakMemory segments a 24 MP (6000x4000) photo in a fresh
// process and reports that process's peak resident memory (VmHWM).
func BenchmarkSegmentPeakMemory(b *testing.B) {
	data := benchPhoto(b, 6000, 4000, synth.LevelStandard)
	path := filepath.Join(b.TempDir(), "24mp.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	var peak float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPeakMemoryChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "WALLSCAN_MEMCHILD="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		var kb float64
		for _, line := range strings.Split(string(out), "\n") {
			if _, err := fmt.Sscanf(strings.TrimSpace(line), "VmHWM: %f kB", &kb); err == nil {
				break
			}
		}
		if kb == 0 {
			b.Fatalf("no VmHWM in child output:\n%s", out)
		}
		peak = max(peak, kb/1024)
	}
	b.ReportMetric(peak, "MB-peak")
	b.ReportMetric(float64(len(data))/(1<<20), "MB-jpeg")
}

// TestPeakMemoryChild is the child process of BenchmarkSegmentPeakMemory:
// it segments the photo named by WALLSCAN_MEMCHILD and prints VmHWM. It
// does nothing in a normal test run.
func TestPeakMemoryChild(t *testing.T) {
	path := os.Getenv("WALLSCAN_MEMCHILD")
	if path == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := NewSegmenter(Options{}).Segment(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM") {
			fmt.Println(line)
		}
	}
	fmt.Println("notes", len(seg.Notes))
}

// TestStageTimes prints the CPU time of each step on a 12 MP photo when
// WALLSCAN_STAGES is set ("hard" for a hard photo; run with GOMAXPROCS=1
// OPENCV_FOR_THREADS_NUM=1).
func TestStageTimes(t *testing.T) {
	if os.Getenv("WALLSCAN_STAGES") == "" {
		return
	}
	level := synth.LevelStandard
	if l := os.Getenv("WALLSCAN_STAGES"); l == string(synth.LevelHard) {
		level = synth.LevelHard
	}
	data := benchPhoto(t, 4000, 3000, level)
	seg := NewSegmenter(Options{})
	sum := map[string]time.Duration{}
	var order []string
	last := cpuTime()
	seen := map[string]int{}
	debugStage = func(name string) {
		now := cpuTime()
		if name == "decode" {
			clear(seen)
		}
		// A step that runs again (the finer pass) is timed apart.
		seen[name]++
		if k := seen[name]; k > 1 {
			name = fmt.Sprintf("%s #%d", name, k)
		}
		if _, ok := sum[name]; !ok {
			order = append(order, name)
		}
		sum[name] += now - last
		last = now
	}
	defer func() { debugStage = nil }()
	const n = 5
	for range n {
		last = cpuTime()
		if _, err := seg.Segment(context.Background(), data); err != nil {
			t.Fatal(err)
		}
	}
	var total time.Duration
	for _, k := range order {
		t.Logf("%-12s %6.1f ms", k, float64(sum[k].Microseconds())/1000/n)
		total += sum[k]
	}
	t.Logf("%-12s %6.1f ms CPU per photo", "total", float64(total.Microseconds())/1000/n)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
