package knowledge

import (
	"context"
	"strconv"
	"testing"
)

func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	return context.WithCancel(context.Background())
}
