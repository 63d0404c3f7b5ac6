package knowledge

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch calls changed after Markdown files in dir are created, written,
// removed or renamed, once per burst of changes (an editor's save is
// several events; debounce is how long the burst may last). It returns
// when ctx ends, or with an error when the directory cannot be watched.
func Watch(ctx context.Context, dir string, debounce time.Duration, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			name := filepath.Base(ev.Name)
			if !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") {
				continue // editors' and kb export's temporary files
			}
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			return fmt.Errorf("watching %s: %w", dir, err)
		case <-timer.C:
			changed()
		}
	}
}
