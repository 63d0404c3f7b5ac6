package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sellerbot/sellerbot/boltstore"
)

// damagedDB explains, in one line, a database file bbolt cannot read
// safely: which setting named it, what is wrong, that it was not touched
// and what to do. Other errors pass unchanged.
func damagedDB(cmd, setting, path string, err error) error {
	var ce *boltstore.CorruptError
	if !errors.As(err, &ce) {
		return err
	}
	reason := strings.Join(strings.Fields(ce.Reason), " ")
	if len(reason) > 200 {
		reason = reason[:200] + "…"
	}
	return fmt.Errorf("%s: %s %s is damaged (%s) and was left as it is: restore it from your backup, or move it aside to start with an empty database",
		cmd, setting, path, strings.ToValidUTF8(reason, ""))
}
