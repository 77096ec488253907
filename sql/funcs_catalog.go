package sql

import (
	"sort"
	"strings"
	"sync"
)

// Catalog functions about types, which drivers call while connecting:
// pgvector-go registers its types with to_regtype('vector')::oid, and
// psql and ORMs print column types with format_type.

func evRegisterCatalogFuncs() {
	// to_regtype answers NULL for a type that does not exist, where
	// ::regtype raises 42704.
	evFn("to_regtype", []uint32{OIDText}, OIDRegtype, func(_ *EvalContext, a []Datum) (Datum, error) {
		t, ok := TypeByName(a[0].(string))
		if !ok {
			return nil, nil
		}
		return int64(t.OID), nil
	}).vol = volStable
	// format_type(oid, NULL) is regtypeout's spelling ("character"), a
	// typmod of -1 the bare type ("bpchar"); an unknown OID prints ???.
	evFn("format_type", []uint32{OIDOid, OIDInt4}, OIDText, func(_ *EvalContext, a []Datum) (Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		oid := uint32(a[0].(int64))
		if _, ok := LookupType(oid); !ok {
			return "???", nil
		}
		if a[1] == nil {
			return regtypeName(oid), nil
		}
		return FormatType(Type{oid, int32(a[1].(int64))}), nil
	}).nonStrict = true

	// quote_ident needs the keyword list below: PostgreSQL quotes every
	// keyword that is not unreserved.
	evFn("quote_ident", []uint32{OIDText}, OIDText, func(_ *EvalContext, a []Datum) (Datum, error) {
		return QuoteIdent(a[0].(string)), nil
	})
	// quote_literal and quote_nullable take any value through its text
	// form; the text overload wins for an unknown literal, as in
	// PostgreSQL.
	quoteAny := func(name string, nullable bool) {
		o := evFn(name, []uint32{OIDAnyElement}, OIDText, nil)
		o.nonStrict = nullable
		o.vol = volStable // the text form of a timestamp depends on TimeZone
		o.bind = func(types []Type) evalFn {
			return func(ec *EvalContext, a []Datum) (Datum, error) {
				if a[0] == nil {
					if nullable {
						return "NULL", nil
					}
					return nil, nil
				}
				return QuoteLiteral(evText(ec, types[0], a[0])), nil
			}
		}
	}
	quoteAny("quote_literal", false)
	evFn("quote_nullable", []uint32{OIDText}, OIDText, func(_ *EvalContext, a []Datum) (Datum, error) {
		if a[0] == nil {
			return "NULL", nil
		}
		return QuoteLiteral(a[0].(string)), nil
	}).nonStrict = true
	quoteAny("quote_nullable", true)
	evFn("pg_encoding_to_char", []uint32{OIDInt4}, OIDName, func(_ *EvalContext, a []Datum) (Datum, error) {
		return EncodingName(a[0].(int64)), nil
	})
	evFn("pg_char_to_encoding", []uint32{OIDName}, OIDInt4, func(_ *EvalContext, a []Datum) (Datum, error) {
		return EncodingNumber(a[0].(string)), nil
	})
}

// QuoteIdent is quote_ident: a name stays bare only when it is a
// lower-case identifier that is not a keyword other than an unreserved
// one, so that it reads back as the same name.
func QuoteIdent(s string) string {
	safe := s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] == '_')
	for i := 0; safe && i < len(s); i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if safe {
		if kw, ok := LookupKeyword(s); ok && kw.Category != 'U' {
			safe = false
		}
	}
	if safe {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteLiteral is quote_literal on text: a backslash makes it an E'...'
// string, in which backslashes are doubled too.
func QuoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}

// encodingNames are PostgreSQL's server and client encodings by number
// (pg_enc in pg_wchar.h); pg_database.encoding holds these numbers.
var encodingNames = []string{
	"SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004", "UTF8", "MULE_INTERNAL",
	"LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9", "LATIN10",
	"WIN1256", "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252",
	"ISO_8859_5", "ISO_8859_6", "ISO_8859_7", "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255", "WIN1257",
	"KOI8U", "SJIS", "BIG5", "GBK", "UHC", "GB18030", "JOHAB", "SHIFT_JIS_2004",
}

// EncodingName is pg_encoding_to_char: "" for a number that names no
// encoding.
func EncodingName(n int64) string {
	if n < 0 || n >= int64(len(encodingNames)) {
		return ""
	}
	return encodingNames[n]
}

// EncodingNumber is pg_char_to_encoding: case, dashes and underscores do
// not matter, and a few aliases are understood; -1 for an unknown name.
func EncodingNumber(name string) int64 {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r == ' ' {
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	n := clean(name)
	aliases := map[string]string{"unicode": "utf8", "sqlascii": "sqlascii", "shiftjis": "sjis", "win": "win1251", "alt": "win866", "koi8": "koi8r", "tcvn": "win1258", "mskanji": "sjis"}
	if a, ok := aliases[n]; ok {
		n = a
	}
	for i, e := range encodingNames {
		if clean(e) == n {
			return int64(i)
		}
	}
	return -1
}

// Keyword is one row of pg_get_keywords().
type Keyword struct {
	Word string
	// Category is U (unreserved), C (unreserved, cannot be a function or
	// type name), T (reserved, can be a function or type name) or R
	// (reserved).
	Category byte
	// BareLabel tells whether the word can be a column label without AS.
	BareLabel bool
}

// CategoryDesc is pg_get_keywords()'s catdesc for the keyword.
func (k Keyword) CategoryDesc() string {
	switch k.Category {
	case 'U':
		return "unreserved"
	case 'C':
		return "unreserved (cannot be function or type name)"
	case 'T':
		return "reserved (can be function or type name)"
	}
	return "reserved"
}

// BareDesc is pg_get_keywords()'s baredesc for the keyword.
func (k Keyword) BareDesc() string {
	if k.BareLabel {
		return "can be bare label"
	}
	return "requires AS"
}

// pgKeywordList is PostgreSQL 15's keyword list (kwlist.h) in its order:
// word:category, with a trailing "-" when the word cannot be a bare
// column label. pg_query's parser is a later release's, whose list
// differs, so the list is PostgreSQL 15's own (pg_get_keywords() there).
const pgKeywordList = `
	abort:U absolute:U access:U action:U add:U admin:U after:U aggregate:U all:R also:U alter:U
	always:U analyse:R analyze:R and:R any:R array:R- as:R- asc:R asensitive:U assertion:U assignment:U
	asymmetric:R at:U atomic:U attach:U attribute:U authorization:T backward:U before:U begin:U
	between:C bigint:C binary:T bit:C boolean:C both:R breadth:U by:U cache:U call:U called:U
	cascade:U cascaded:U case:R cast:R catalog:U chain:U char:C- character:C- characteristics:U
	check:R checkpoint:U class:U close:U cluster:U coalesce:C collate:R collation:T column:R columns:U
	comment:U comments:U commit:U committed:U compression:U concurrently:T configuration:U conflict:U
	connection:U constraint:R constraints:U content:U continue:U conversion:U copy:U cost:U create:R-
	cross:T csv:U cube:U current:U current_catalog:R current_date:R current_role:R current_schema:T
	current_time:R current_timestamp:R current_user:R cursor:U cycle:U data:U database:U day:U-
	deallocate:U dec:C decimal:C declare:U default:R defaults:U deferrable:R deferred:U definer:U
	delete:U delimiter:U delimiters:U depends:U depth:U desc:R detach:U dictionary:U disable:U
	discard:U distinct:R do:R document:U domain:U double:U drop:U each:U else:R enable:U encoding:U
	encrypted:U end:R enum:U escape:U event:U except:R- exclude:U excluding:U exclusive:U execute:U
	exists:C explain:U expression:U extension:U external:U extract:C false:R family:U fetch:R-
	filter:U- finalize:U first:U float:C following:U for:R- force:U foreign:R forward:U freeze:T
	from:R- full:T function:U functions:U generated:U global:U grant:R- granted:U greatest:C group:R-
	grouping:C groups:U handler:U having:R- header:U hold:U hour:U- identity:U if:U ilike:T immediate:U
	immutable:U implicit:U import:U in:R include:U including:U increment:U index:U indexes:U inherit:U
	inherits:U initially:R inline:U inner:T inout:C input:U insensitive:U insert:U instead:U int:C
	integer:C intersect:R- interval:C into:R- invoker:U is:T isnull:T- isolation:U join:T key:U label:U
	language:U large:U last:U lateral:R leading:R leakproof:U least:C left:T level:U like:T limit:R-
	listen:U load:U local:U localtime:R localtimestamp:R location:U lock:U locked:U logged:U mapping:U
	match:U matched:U materialized:U maxvalue:U merge:U method:U minute:U- minvalue:U mode:U month:U-
	move:U name:U names:U national:C natural:T nchar:C new:U next:U nfc:U nfd:U nfkc:U nfkd:U no:U
	none:C normalize:C normalized:U not:R nothing:U notify:U notnull:T- nowait:U null:R nullif:C
	nulls:U numeric:C object:U of:U off:U offset:R- oids:U old:U on:R- only:R operator:U option:U
	options:U or:R order:R- ordinality:U others:U out:C outer:T over:U- overlaps:T- overlay:C
	overriding:U owned:U owner:U parallel:U parameter:U parser:U partial:U partition:U passing:U
	password:U placing:R plans:U policy:U position:C preceding:U precision:C- prepare:U prepared:U
	preserve:U primary:R prior:U privileges:U procedural:U procedure:U procedures:U program:U
	publication:U quote:U range:U read:U real:C reassign:U recheck:U recursive:U ref:U references:R
	referencing:U refresh:U reindex:U relative:U release:U rename:U repeatable:U replace:U replica:U
	reset:U restart:U restrict:U return:U returning:R- returns:U revoke:U right:T role:U rollback:U
	rollup:U routine:U routines:U row:C rows:U rule:U savepoint:U schema:U schemas:U scroll:U
	search:U second:U- security:U select:R sequence:U sequences:U serializable:U server:U session:U
	session_user:R set:U setof:C sets:U share:U show:U similar:T simple:U skip:U smallint:C snapshot:U
	some:R sql:U stable:U standalone:U start:U statement:U statistics:U stdin:U stdout:U storage:U
	stored:U strict:U strip:U subscription:U substring:C support:U symmetric:R sysid:U system:U
	table:R tables:U tablesample:T tablespace:U temp:U template:U temporary:U text:U then:R ties:U
	time:C timestamp:C to:R- trailing:R transaction:U transform:U treat:C trigger:U trim:C true:R
	truncate:U trusted:U type:U types:U uescape:U unbounded:U uncommitted:U unencrypted:U union:R-
	unique:R unknown:U unlisten:U unlogged:U until:U update:U user:R using:R vacuum:U valid:U
	validate:U validator:U value:U values:C varchar:C variadic:R varying:U- verbose:T version:U
	view:U views:U volatile:U when:R where:R- whitespace:U window:R- with:R- within:U- without:U-
	work:U wrapper:U write:U xml:U xmlattributes:C xmlconcat:C xmlelement:C xmlexists:C xmlforest:C
	xmlnamespaces:C xmlparse:C xmlpi:C xmlroot:C xmlserialize:C xmltable:C year:U- yes:U zone:U
`

var (
	keywordsOnce sync.Once
	keywords     []Keyword
	keywordIndex map[string]int
)

func loadKeywords() {
	keywordsOnce.Do(func() {
		fields := strings.Fields(pgKeywordList)
		keywords = make([]Keyword, 0, len(fields))
		keywordIndex = make(map[string]int, len(fields))
		for _, f := range fields {
			word, code, _ := strings.Cut(f, ":")
			keywordIndex[word] = len(keywords)
			keywords = append(keywords, Keyword{Word: word, Category: code[0], BareLabel: !strings.HasSuffix(code, "-")})
		}
	})
}

// Keywords returns PostgreSQL 15's keywords in pg_get_keywords() order.
// The slice is shared: callers must not modify it.
func Keywords() []Keyword {
	loadKeywords()
	return keywords
}

// LookupKeyword finds a lower-case keyword.
func LookupKeyword(word string) (Keyword, bool) {
	loadKeywords()
	i, ok := keywordIndex[word]
	if !ok {
		return Keyword{}, false
	}
	return keywords[i], true
}

// FunctionNames lists the scalar built-in functions, sorted; pg_proc
// shows PostgreSQL's entries for them.
func FunctionNames() []string {
	fns := evFuncTable()
	names := make([]string, 0, len(fns))
	for n := range fns {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// AggregateNames lists the built-in aggregates, sorted.
func AggregateNames() []string {
	aggs := evAggTable()
	names := make([]string, 0, len(aggs))
	for n := range aggs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
