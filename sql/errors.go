package sql

import (
	"context"
	"errors"
	"fmt"
)

// SQLSTATE codes QuartzDB raises. Clients act on these, so they must match
// what PostgreSQL sends for the same condition.
const (
	CodeSuccessfulCompletion         = "00000"
	CodeWarning                      = "01000"
	CodeConnectionException          = "08000"
	CodeProtocolViolation            = "08P01"
	CodeFeatureNotSupported          = "0A000"
	CodeCardinalityViolation         = "21000"
	CodeDataException                = "22000"
	CodeStringDataRightTruncation    = "22001"
	CodeNumericValueOutOfRange       = "22003"
	CodeInvalidDatetimeFormat        = "22007"
	CodeDatetimeFieldOverflow        = "22008"
	CodeDivisionByZero               = "22012"
	CodeInvalidParameterValue        = "22023"
	CodeInvalidTextRepresentation    = "22P02"
	CodeInvalidBinaryRepresentation  = "22P03"
	CodeInvalidEscapeSequence        = "22025"
	CodeArraySubscriptError          = "2202E"
	CodeNullValueNotAllowed          = "22004"
	CodeInvalidJSONText              = "22P05"
	CodeNotNullViolation             = "23502"
	CodeForeignKeyViolation          = "23503"
	CodeUniqueViolation              = "23505"
	CodeCheckViolation               = "23514"
	CodeInvalidCursorState           = "24000"
	CodeActiveSQLTransaction         = "25001"
	CodeNoActiveSQLTransaction       = "25P01"
	CodeInFailedSQLTransaction       = "25P02"
	CodeReadOnlySQLTransaction       = "25006"
	CodeInvalidSQLStatementName      = "26000"
	CodeInvalidAuthorization         = "28000"
	CodeInvalidPassword              = "28P01"
	CodeInvalidCursorName            = "34000"
	CodeInvalidCatalogName           = "3D000"
	CodeInvalidSchemaName            = "3F000"
	CodeSerializationFailure         = "40001"
	CodeDeadlockDetected             = "40P01"
	CodeSyntaxError                  = "42601"
	CodeInsufficientPrivilege        = "42501"
	CodeUndefinedColumn              = "42703"
	CodeUndefinedFunction            = "42883"
	CodeUndefinedTable               = "42P01"
	CodeUndefinedParameter           = "42P02"
	CodeUndefinedObject              = "42704"
	CodeDuplicateColumn              = "42701"
	CodeDuplicateDatabase            = "42P04"
	CodeDuplicateSchema              = "42P06"
	CodeDuplicateTable               = "42P07"
	CodeDuplicateObject              = "42710"
	CodeAmbiguousColumn              = "42702"
	CodeAmbiguousFunction            = "42725"
	CodeDatatypeMismatch             = "42804"
	CodeDependentObjectsStillExist   = "2BP01"
	CodeWrongObjectType              = "42809"
	CodeGroupingError                = "42803"
	CodeInvalidColumnReference       = "42P10"
	CodeIndeterminateDatatype        = "42P18"
	CodeInvalidTableDefinition       = "42P16"
	CodeCannotCoerce                 = "42846"
	CodeInvalidName                  = "42602"
	CodeObjectInUse                  = "55006"
	CodeObjectNotInPrerequisiteState = "55000"
	CodeQueryCanceled                = "57014"
	CodeAdminShutdown                = "57P01"
	CodeProgramLimitExceeded         = "54000"
	CodeInsufficientResources        = "53000"
	CodeUndefinedFile                = "58P01"
	CodeBadCopyFileFormat            = "22P04"
	CodeInternalError                = "XX000"
	CodeDataCorrupted                = "XX001"
)

// Error is an error that reaches a client as an ErrorResponse (or, with
// Severity NOTICE/WARNING, a NoticeResponse). Fields mirror PostgreSQL's.
type Error struct {
	Severity string // ERROR unless set: FATAL, NOTICE, WARNING
	Code     string // SQLSTATE
	Message  string
	Detail   string
	Hint     string
	// Position is the 1-based character offset into the statement text
	// that psql draws its caret under; 0 means none.
	Position int
	// ConstraintName, TableName and ColumnName fill the optional fields
	// drivers expose (pgconn.PgError.ConstraintName and friends).
	ConstraintName string
	TableName      string
	ColumnName     string
	SchemaName     string
	// Where is the CONTEXT line: where the error happened (for COPY the
	// table, line and column).
	Where string
	// cause keeps the wrapped Go error for errors.Is/As; it is never sent.
	cause error
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s (SQLSTATE %s): %s", e.Message, e.Code, e.Detail)
	}
	return fmt.Sprintf("%s (SQLSTATE %s)", e.Message, e.Code)
}

// Unwrap returns the Go error this one was made from, if any.
func (e *Error) Unwrap() error { return e.cause }

// Errorf makes an Error with the given SQLSTATE and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithDetail sets the DETAIL line and returns e for chaining.
func (e *Error) WithDetail(format string, args ...any) *Error {
	e.Detail = fmt.Sprintf(format, args...)
	return e
}

// WithHint sets the HINT line and returns e for chaining.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// WithCause keeps err as the Go error this one was made from (for
// errors.Is/As; never sent) and returns e for chaining.
func (e *Error) WithCause(err error) *Error {
	e.cause = err
	return e
}

// WithPosition sets the 1-based caret position unless one is already set.
func (e *Error) WithPosition(pos int) *Error {
	if e.Position == 0 {
		e.Position = pos
	}
	return e
}

// Wrap turns any error into an *Error: an *Error anywhere in the chain is
// returned as it is; context cancellation becomes 57014; anything else is an
// internal error (XX000) that keeps the original for logs.
func Wrap(err error) *Error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeQueryCanceled, Message: "canceling statement due to statement timeout", cause: err}
	}
	if errors.Is(err, errCanceled) || isContextCanceled(err) {
		return &Error{Code: CodeQueryCanceled, Message: "canceling statement due to user request", cause: err}
	}
	return &Error{Code: CodeInternalError, Message: err.Error(), cause: err}
}

// CodeOf returns the SQLSTATE of err, XX000 when it carries none.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	return Wrap(err).Code
}
