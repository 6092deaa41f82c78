//go:build !unix

package spool

import (
	"os"
	"path/filepath"
)

// lock opens dir/spool.lock; on this system the folder is not locked, so
// give each station its own folder.
func lock(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
}
