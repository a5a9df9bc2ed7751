package query

import (
	"context"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// vector reads the values of one column of a result chunk fetched through DuckDB's C API. It
// gives every value the Go type duckdb-go's rows give it (strings, integers, time.Time,
// duckdb.Decimal, duckdb.Interval, *big.Int, []any, map[string]any, duckdb.OrderedMap, ...), so
// that the writers read the same values on both paths. Values are copied out of DuckDB's memory,
// so they stay valid after the chunk is destroyed.
type vector struct {
	typ      mapping.Type
	name     string // DuckDB's name of the type, as duckdb-go's ColumnTypeDatabaseTypeName gives it
	json     bool   // a VARCHAR with the JSON alias: parsed, as duckdb-go does
	internal mapping.Type
	width    uint8 // DECIMAL
	scale    uint8
	enum     []string  // ENUM dictionary
	fields   []string  // STRUCT field names, UNION member names
	children []*vector // LIST, MAP, ARRAY: one; STRUCT: one per field; UNION: the tag, then members
	size     uint64    // ARRAY length

	data unsafe.Pointer // the current chunk's vector
	mask unsafe.Pointer // its validity bits; nil when every value is valid
}

// newVector prepares the reading of a column of logical type lt (which it does not destroy).
func newVector(lt mapping.LogicalType) (*vector, error) {
	v := &vector{typ: mapping.GetTypeId(lt)}
	if mapping.LogicalTypeGetAlias(lt) == "JSON" {
		v.json, v.name = true, "JSON"
		return v, nil
	}
	v.name = typeNames[v.typ]
	child := func(ct mapping.LogicalType) (*vector, error) {
		defer mapping.DestroyLogicalType(&ct)
		return newVector(ct)
	}
	switch v.typ {
	case mapping.TypeDecimal:
		v.width, v.scale, v.internal = mapping.DecimalWidth(lt), mapping.DecimalScale(lt), mapping.DecimalInternalType(lt)
		v.name = fmt.Sprintf("DECIMAL(%d,%d)", v.width, v.scale)
	case mapping.TypeEnum:
		v.internal = mapping.EnumInternalType(lt)
		n := uint64(mapping.EnumDictionarySize(lt))
		v.enum = make([]string, n)
		for i := range n {
			v.enum[i] = mapping.EnumDictionaryValue(lt, mapping.IdxT(i))
		}
	case mapping.TypeList:
		c, err := child(mapping.ListTypeChildType(lt))
		if err != nil {
			return nil, err
		}
		v.children, v.name = []*vector{c}, c.name+"[]"
	case mapping.TypeArray:
		c, err := child(mapping.ArrayTypeChildType(lt))
		if err != nil {
			return nil, err
		}
		v.size = uint64(mapping.ArrayTypeArraySize(lt))
		v.children, v.name = []*vector{c}, fmt.Sprintf("%s[%d]", c.name, v.size)
	case mapping.TypeMap:
		// A MAP is stored as a LIST of STRUCT(key, value).
		k, err := child(mapping.MapTypeKeyType(lt))
		if err != nil {
			return nil, err
		}
		val, err := child(mapping.MapTypeValueType(lt))
		if err != nil {
			return nil, err
		}
		entry := &vector{typ: mapping.TypeStruct, fields: []string{"key", "value"}, children: []*vector{k, val}}
		v.children, v.name = []*vector{entry}, fmt.Sprintf("MAP(%s, %s)", k.name, val.name)
	case mapping.TypeStruct:
		n := uint64(mapping.StructTypeChildCount(lt))
		var parts []string
		for i := range n {
			c, err := child(mapping.StructTypeChildType(lt, mapping.IdxT(i)))
			if err != nil {
				return nil, err
			}
			name := mapping.StructTypeChildName(lt, mapping.IdxT(i))
			v.fields, v.children = append(v.fields, name), append(v.children, c)
			parts = append(parts, quoteField(name)+" "+c.name)
		}
		v.name = "STRUCT(" + strings.Join(parts, ", ") + ")"
	case mapping.TypeUnion:
		// A UNION is stored as a STRUCT whose first child is the tag.
		v.children = []*vector{{typ: mapping.TypeUTinyInt}}
		n := uint64(mapping.UnionTypeMemberCount(lt))
		var parts []string
		for i := range n {
			c, err := child(mapping.UnionTypeMemberType(lt, mapping.IdxT(i)))
			if err != nil {
				return nil, err
			}
			name := mapping.UnionTypeMemberName(lt, mapping.IdxT(i))
			v.fields, v.children = append(v.fields, name), append(v.children, c)
			parts = append(parts, quoteField(name)+" "+c.name)
		}
		v.name = "UNION(" + strings.Join(parts, ", ") + ")"
	default:
		if _, ok := typeNames[v.typ]; !ok || v.typ == mapping.TypeInvalid || v.typ == mapping.TypeAny || v.typ == mapping.TypeVariant {
			return nil, fmt.Errorf("results of DuckDB type %d cannot be read; cast the column to VARCHAR", v.typ)
		}
	}
	return v, nil
}

func quoteField(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var typeNames = map[mapping.Type]string{
	mapping.TypeBoolean: "BOOLEAN", mapping.TypeTinyInt: "TINYINT", mapping.TypeSmallInt: "SMALLINT",
	mapping.TypeInteger: "INTEGER", mapping.TypeBigInt: "BIGINT", mapping.TypeUTinyInt: "UTINYINT",
	mapping.TypeUSmallInt: "USMALLINT", mapping.TypeUInteger: "UINTEGER", mapping.TypeUBigInt: "UBIGINT",
	mapping.TypeFloat: "FLOAT", mapping.TypeDouble: "DOUBLE", mapping.TypeTimestamp: "TIMESTAMP",
	mapping.TypeDate: "DATE", mapping.TypeTime: "TIME", mapping.TypeInterval: "INTERVAL",
	mapping.TypeHugeInt: "HUGEINT", mapping.TypeUHugeInt: "UHUGEINT", mapping.TypeVarchar: "VARCHAR",
	mapping.TypeBlob: "BLOB", mapping.TypeDecimal: "DECIMAL", mapping.TypeTimestampS: "TIMESTAMP_S",
	mapping.TypeTimestampMS: "TIMESTAMP_MS", mapping.TypeTimestampNS: "TIMESTAMP_NS", mapping.TypeEnum: "ENUM",
	mapping.TypeList: "LIST", mapping.TypeStruct: "STRUCT", mapping.TypeMap: "MAP", mapping.TypeArray: "ARRAY",
	mapping.TypeUUID: "UUID", mapping.TypeUnion: "UNION", mapping.TypeBit: "BIT", mapping.TypeTimeTZ: "TIMETZ",
	mapping.TypeTimestampTZ: "TIMESTAMPTZ", mapping.TypeBigNum: "BIGNUM", mapping.TypeSQLNull: "SQLNULL",
	mapping.TypeGeometry: "GEOMETRY",
}

// bind points v (and its children) at the vector vec of the current chunk.
func (v *vector) bind(vec mapping.Vector) {
	v.data = mapping.VectorGetData(vec)
	v.mask = unsafe.Pointer(mapping.VectorGetValidity(vec))
	switch v.typ {
	case mapping.TypeList, mapping.TypeMap:
		v.children[0].bind(mapping.ListVectorGetChild(vec))
	case mapping.TypeArray:
		v.children[0].bind(mapping.ArrayVectorGetChild(vec))
	case mapping.TypeStruct, mapping.TypeUnion:
		for i, c := range v.children {
			c.bind(mapping.StructVectorGetChild(vec, mapping.IdxT(i)))
		}
	}
}

// budget is what the rest of a result may still take: values are counted, at the least they
// take in any output format, before they are copied out of DuckDB, so that one huge value is
// refused without ever being held in Go.
type budget struct {
	ctx      context.Context
	left     int64 // bytes; < 0: no limit
	elements int64 // list, map and struct elements the row may still hold; < 0: no limit
	steps    int
}

// errBudget says a value would pass the result's byte limit; errElements, the limit of
// elements in one row's nested values.
var (
	errBudget   = errors.New("over the byte limit")
	errElements = errors.New("over the element limit")
)

// nest counts n more elements of nested values.
func (b *budget) nest(n uint64) error {
	if b.elements >= 0 {
		if n > uint64(b.elements) {
			return errElements
		}
		b.elements -= int64(n)
	}
	return nil
}

// spend counts n more bytes of output, and checks the context every 64K calls.
func (b *budget) spend(n int64) error {
	if b.left >= 0 {
		if n > b.left {
			return errBudget
		}
		b.left -= n
	}
	if b.steps++; b.steps&0xffff == 0 {
		return b.ctx.Err()
	}
	return nil
}

func (v *vector) null(row uint64) bool {
	if v.mask == nil {
		return false
	}
	bits := *(*uint64)(unsafe.Add(v.mask, (row/64)*8))
	return bits&(1<<(row%64)) == 0
}

func at[T any](p unsafe.Pointer, row uint64) T {
	var zero T
	return *(*T)(unsafe.Add(p, uintptr(row)*unsafe.Sizeof(zero)))
}

// bytesAt returns the bytes of the duckdb_string_t at row without copying them: a length of 4
// bytes, then up to 12 bytes inline, or a 4-byte prefix and a pointer to the bytes.
func bytesAt(p unsafe.Pointer, row uint64) []byte {
	s := unsafe.Add(p, uintptr(row)*16)
	n := *(*uint32)(s)
	if n <= 12 {
		return unsafe.Slice((*byte)(unsafe.Add(s, 4)), n)
	}
	return unsafe.Slice(*(**byte)(unsafe.Add(s, 8)), n)
}

// value reads the value at row; nested says it sits inside a LIST, STRUCT, MAP or ARRAY, where
// every value takes at least a byte of output.
func (v *vector) value(row uint64, b *budget, nested bool) (driver.Value, error) {
	if v.null(row) {
		return nil, nil
	}
	if nested {
		if err := b.spend(1); err != nil {
			return nil, err
		}
	}
	switch v.typ {
	case mapping.TypeBoolean:
		return at[bool](v.data, row), nil
	case mapping.TypeTinyInt:
		return at[int8](v.data, row), nil
	case mapping.TypeSmallInt:
		return at[int16](v.data, row), nil
	case mapping.TypeInteger:
		return at[int32](v.data, row), nil
	case mapping.TypeBigInt:
		return at[int64](v.data, row), nil
	case mapping.TypeUTinyInt:
		return at[uint8](v.data, row), nil
	case mapping.TypeUSmallInt:
		return at[uint16](v.data, row), nil
	case mapping.TypeUInteger:
		return at[uint32](v.data, row), nil
	case mapping.TypeUBigInt:
		return at[uint64](v.data, row), nil
	case mapping.TypeFloat:
		return at[float32](v.data, row), nil
	case mapping.TypeDouble:
		return at[float64](v.data, row), nil
	case mapping.TypeTimestamp, mapping.TypeTimestampTZ:
		return time.UnixMicro(at[int64](v.data, row)).UTC(), nil
	case mapping.TypeTimestampS:
		return time.Unix(at[int64](v.data, row), 0).UTC(), nil
	case mapping.TypeTimestampMS:
		return time.UnixMilli(at[int64](v.data, row)).UTC(), nil
	case mapping.TypeTimestampNS:
		return time.Unix(0, at[int64](v.data, row)).UTC(), nil
	case mapping.TypeDate:
		// Days since 1970-01-01 in the proleptic Gregorian calendar, as Go's time counts them.
		return time.Date(1970, time.January, 1+int(at[int32](v.data, row)), 0, 0, 0, 0, time.UTC), nil
	case mapping.TypeTime:
		us := at[int64](v.data, row)
		return time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(us) * time.Microsecond), nil
	case mapping.TypeTimeTZ:
		tz := mapping.FromTimeTZ(at[mapping.TimeTZ](v.data, row))
		t, offset := mapping.TimeTZStructMembers(&tz)
		h, m, s, us := mapping.TimeStructMembers(&t)
		loc := time.UTC
		if offset != 0 {
			loc = time.FixedZone("", int(offset))
		}
		return time.Date(1, time.January, 1, int(h), int(m), int(s), int(us)*1000, loc), nil
	case mapping.TypeInterval:
		iv := at[struct {
			months, days int32
			micros       int64
		}](v.data, row)
		return duckdb.Interval{Months: iv.months, Days: iv.days, Micros: iv.micros}, nil
	case mapping.TypeHugeInt:
		return hugeint(at[[2]uint64](v.data, row), true), nil
	case mapping.TypeUHugeInt:
		return hugeint(at[[2]uint64](v.data, row), false), nil
	case mapping.TypeUUID:
		// A UUID is a HUGEINT with its top bit flipped, so that UUIDs sort as their bytes do.
		h := at[[2]uint64](v.data, row)
		out := make([]byte, 16)
		binary.BigEndian.PutUint64(out[:8], h[1]^1<<63)
		binary.BigEndian.PutUint64(out[8:], h[0])
		return out, nil
	case mapping.TypeVarchar, mapping.TypeBlob, mapping.TypeGeometry, mapping.TypeBit, mapping.TypeBigNum:
		raw := bytesAt(v.data, row)
		if err := b.spend(int64(len(raw))); err != nil {
			return nil, err
		}
		switch {
		case v.json:
			var x any
			if err := json.Unmarshal(raw, &x); err != nil {
				return nil, err
			}
			return x, nil
		case v.typ == mapping.TypeVarchar:
			return string(raw), nil
		case v.typ == mapping.TypeBit:
			return duckdb.Bit{Data: raw}.String(), nil
		case v.typ == mapping.TypeBigNum:
			return bignum(raw), nil
		}
		return append([]byte(nil), raw...), nil
	case mapping.TypeDecimal:
		var x *big.Int
		switch v.internal {
		case mapping.TypeSmallInt:
			x = big.NewInt(int64(at[int16](v.data, row)))
		case mapping.TypeInteger:
			x = big.NewInt(int64(at[int32](v.data, row)))
		case mapping.TypeBigInt:
			x = big.NewInt(at[int64](v.data, row))
		default:
			x = hugeint(at[[2]uint64](v.data, row), true)
		}
		return duckdb.Decimal{Width: v.width, Scale: v.scale, Value: x}, nil
	case mapping.TypeEnum:
		var i uint64
		switch v.internal {
		case mapping.TypeUTinyInt:
			i = uint64(at[uint8](v.data, row))
		case mapping.TypeUSmallInt:
			i = uint64(at[uint16](v.data, row))
		default:
			i = uint64(at[uint32](v.data, row))
		}
		if i >= uint64(len(v.enum)) {
			return nil, fmt.Errorf("ENUM index %d outside its dictionary of %d", i, len(v.enum))
		}
		return v.enum[i], nil
	case mapping.TypeList:
		e := at[[2]uint64](v.data, row) // offset, length
		return v.children[0].slice(e[0], e[1], b)
	case mapping.TypeArray:
		return v.children[0].slice(row*v.size, v.size, b)
	case mapping.TypeMap:
		e := at[[2]uint64](v.data, row)
		if err := b.nest(e[1]); err != nil {
			return nil, err
		}
		if err := b.spend(int64(e[1])); err != nil {
			return nil, err
		}
		entries := v.children[0]
		m := duckdb.OrderedMap{}
		for i := e[0]; i < e[0]+e[1]; i++ {
			k, err := entries.children[0].value(i, b, true)
			if err != nil {
				return nil, err
			}
			val, err := entries.children[1].value(i, b, true)
			if err != nil {
				return nil, err
			}
			m.Set(k, val)
		}
		return m, nil
	case mapping.TypeStruct:
		if err := b.nest(uint64(len(v.fields))); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(v.fields))
		for i, c := range v.children {
			x, err := c.value(row, b, true)
			if err != nil {
				return nil, err
			}
			m[v.fields[i]] = x
		}
		return m, nil
	case mapping.TypeUnion:
		tag := uint64(at[uint8](v.children[0].data, row))
		if tag >= uint64(len(v.fields)) {
			return nil, fmt.Errorf("UNION tag %d outside its %d members", tag, len(v.fields))
		}
		x, err := v.children[tag+1].value(row, b, true)
		if err != nil {
			return nil, err
		}
		return duckdb.Union{Tag: v.fields[tag], Value: x}, nil
	case mapping.TypeSQLNull:
		return nil, nil
	}
	return nil, fmt.Errorf("values of DuckDB type %s cannot be read", v.name)
}

// slice reads n values from offset on; the list is refused before it is allocated when it holds
// more elements than the budget allows, or when even a byte per value would pass it.
func (v *vector) slice(offset, n uint64, b *budget) ([]any, error) {
	if err := b.nest(n); err != nil {
		return nil, err
	}
	if err := b.spend(int64(min(n, 1<<62))); err != nil {
		return nil, err
	}
	out := make([]any, n)
	for i := range n {
		x, err := v.value(offset+i, b, true)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// hugeint is a 128-bit integer stored as its lower and upper 64 bits.
func hugeint(h [2]uint64, signed bool) *big.Int {
	hi := new(big.Int)
	if signed {
		hi.SetInt64(int64(h[1]))
	} else {
		hi.SetUint64(h[1])
	}
	hi.Lsh(hi, 64)
	return hi.Add(hi, new(big.Int).SetUint64(h[0]))
}

// bignum decodes DuckDB's BIGNUM bytes: a 3-byte header whose top bit is set for positive
// numbers, then the magnitude big-endian, every byte complemented for negative numbers.
func bignum(raw []byte) *big.Int {
	if len(raw) < 4 {
		return new(big.Int)
	}
	mag := append([]byte(nil), raw[3:]...)
	if raw[0]&0x80 != 0 {
		return new(big.Int).SetBytes(mag)
	}
	for i := range mag {
		mag[i] = ^mag[i]
	}
	return new(big.Int).Neg(new(big.Int).SetBytes(mag))
}
