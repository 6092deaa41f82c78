package ocr

// #cgo LDFLAGS: -lgomp
// #include <omp.h>
//
// // singleThreaded keeps OpenMP, which Debian's Tesseract is built with,
// // from starting a team of threads in the calling thread's parallel
// // regions: a region at or past max-active-levels runs on one thread.
// static void singleThreaded(void) {
// 	omp_set_dynamic(0);
// 	omp_set_num_threads(1);
// 	omp_set_max_active_levels(0);
// }
import "C"

// singleThreadedOpenMP stops Tesseract's OpenMP regions from spreading over
// threads on the current OS thread. The Reader parallelises by notes (one
// client per worker); OpenMP threads on top of that only spin and contend:
// measured on one core, a note took 204 ms (median) with OpenMP's default
// threads and 64 ms with one. The setting is an OpenMP per-thread value,
// so the caller locks its goroutine to the OS thread around Tesseract
// calls. OMP_THREAD_LIMIT=1 in the environment has the same effect.
func singleThreadedOpenMP() { C.singleThreaded() }
