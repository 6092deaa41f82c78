//go:build unix

package spool

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"wallscan"
)

// lock takes the spool folder for this process: an exclusive flock on
// dir/spool.lock, which the system releases when the process ends, however
// it ends. A second process on the same folder would send photos twice.
func lock(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, wallscan.Errorf(wallscan.ECONFLICT, "The spool folder %s is in use by another wallscan capture; give each station its own --spool folder.", dir)
		}
		return nil, err
	}
	return f, nil
}
