package auth

import (
	"errors"
	"fmt"
)

// SQLSTATE codes of the errors auth returns. auth may not import sql, so
// the server maps an *Error to its *sql.Error by these fields.
const (
	CodeInvalidPassword          = "28P01" // invalid_password
	CodeInvalidAuthorization     = "28000" // invalid_authorization_specification
	CodeTooManyConnections       = "53300" // too_many_connections
	CodeConfigurationLimit       = "53400" // configuration_limit_exceeded
	CodeInvalidName              = "42602" // invalid_name
	CodeDuplicateObject          = "42710" // duplicate_object
	CodeUndefinedObject          = "42704" // undefined_object
	CodeInvalidParameterValue    = "22023" // invalid_parameter_value
	CodeObjectNotInPrerequisites = "55000" // object_not_in_prerequisite_state
)

// Error is an error meant for the client, with PostgreSQL's SQLSTATE and
// wording. It never carries a key's secret.
type Error struct {
	Code    string
	Message string
	Detail  string
	Hint    string
}

// Error returns the message, as PostgreSQL's primary message reads.
func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, &Error{Code: c}) match any *Error with code c, so
// callers can test the kind of failure without comparing messages.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) || t.Message != "" {
		return false
	}
	return t.Code == e.Code
}

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// quoted wraps s in double quotes as PostgreSQL's messages show names: the
// raw text, no escaping.
func quoted(s string) string { return `"` + s + `"` }

// AuthFailed is the one error every failed authentication returns, whatever
// the cause (unknown user or key id, malformed key, wrong secret, revoked
// key, key of another tenant): byte-for-byte what PostgreSQL sends, so a
// client cannot tell the causes apart.
func AuthFailed(user string) *Error {
	return &Error{Code: CodeInvalidPassword, Message: "password authentication failed for user " + quoted(user)}
}

// ErrAuthFailed matches (errors.Is) every AuthFailed error.
var ErrAuthFailed = &Error{Code: CodeInvalidPassword}
