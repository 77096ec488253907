package sql

import (
	"context"
	"errors"
)

var errCanceled = errors.New("canceling statement due to user request")

func isContextCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
