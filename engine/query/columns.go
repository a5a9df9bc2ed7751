package query

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// Column is one column of a result: its name, DuckDB's type and the Arrow type it is written as.
// Kinds DuckDB has and Arrow writers here do not (DECIMAL, HUGEINT, LIST, STRUCT, MAP, INTERVAL,
// UUID, TIME) are written as DOUBLE for the numbers and as text for the rest.
type Column struct {
	Name       string
	DuckDBType string
	Arrow      arrow.DataType
}

// Columns of the query's result, from the driver.
func columnsOf(rows driver.Rows) ([]Column, error) {
	if sr, ok := rows.(*stmtRows); ok {
		rows = sr.Rows
	}
	names := rows.Columns()
	scan, _ := rows.(driver.RowsColumnTypeScanType)
	dbt, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	cols := make([]Column, len(names))
	for i, n := range names {
		c := Column{Name: n, Arrow: arrow.BinaryTypes.String}
		if dbt != nil {
			c.DuckDBType = dbt.ColumnTypeDatabaseTypeName(i)
		}
		if scan != nil {
			c.Arrow = arrowType(scan.ColumnTypeScanType(i), c.DuckDBType)
		}
		cols[i] = c
	}
	return cols, nil
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	decimalType = reflect.TypeOf(duckdb.Decimal{})
	bigIntType  = reflect.TypeOf((*big.Int)(nil))
)

func arrowType(t reflect.Type, duck string) arrow.DataType {
	if t == nil {
		return arrow.BinaryTypes.String
	}
	switch t {
	case timeType:
		switch {
		case duck == "DATE":
			return arrow.FixedWidthTypes.Date32
		case strings.HasPrefix(duck, "TIMESTAMP WITH TIME ZONE") || duck == "TIMESTAMPTZ":
			return arrow.FixedWidthTypes.Timestamp_us
		case strings.HasPrefix(duck, "TIMESTAMP"):
			return &arrow.TimestampType{Unit: arrow.Microsecond}
		}
		return arrow.BinaryTypes.String
	case decimalType, bigIntType:
		return arrow.PrimitiveTypes.Float64
	}
	switch t.Kind() {
	case reflect.Bool:
		return arrow.FixedWidthTypes.Boolean
	case reflect.Int8:
		return arrow.PrimitiveTypes.Int8
	case reflect.Int16:
		return arrow.PrimitiveTypes.Int16
	case reflect.Int32:
		return arrow.PrimitiveTypes.Int32
	case reflect.Int64:
		return arrow.PrimitiveTypes.Int64
	case reflect.Uint8:
		return arrow.PrimitiveTypes.Uint8
	case reflect.Uint16:
		return arrow.PrimitiveTypes.Uint16
	case reflect.Uint32:
		return arrow.PrimitiveTypes.Uint32
	case reflect.Uint64:
		return arrow.PrimitiveTypes.Uint64
	case reflect.Float32:
		return arrow.PrimitiveTypes.Float32
	case reflect.Float64:
		return arrow.PrimitiveTypes.Float64
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return arrow.BinaryTypes.Binary
		}
	}
	return arrow.BinaryTypes.String
}

// arrowOf is the Arrow type a column of v's DuckDB type is written as: the same as arrowType
// gives for the Go type duckdb-go scans it into.
func arrowOf(v *vector) arrow.DataType {
	switch v.typ {
	case mapping.TypeBoolean:
		return arrow.FixedWidthTypes.Boolean
	case mapping.TypeTinyInt:
		return arrow.PrimitiveTypes.Int8
	case mapping.TypeSmallInt:
		return arrow.PrimitiveTypes.Int16
	case mapping.TypeInteger:
		return arrow.PrimitiveTypes.Int32
	case mapping.TypeBigInt:
		return arrow.PrimitiveTypes.Int64
	case mapping.TypeUTinyInt:
		return arrow.PrimitiveTypes.Uint8
	case mapping.TypeUSmallInt:
		return arrow.PrimitiveTypes.Uint16
	case mapping.TypeUInteger:
		return arrow.PrimitiveTypes.Uint32
	case mapping.TypeUBigInt:
		return arrow.PrimitiveTypes.Uint64
	case mapping.TypeFloat:
		return arrow.PrimitiveTypes.Float32
	case mapping.TypeDouble, mapping.TypeDecimal, mapping.TypeHugeInt, mapping.TypeUHugeInt, mapping.TypeBigNum:
		return arrow.PrimitiveTypes.Float64
	case mapping.TypeDate:
		return arrow.FixedWidthTypes.Date32
	case mapping.TypeTimestampTZ:
		return arrow.FixedWidthTypes.Timestamp_us
	case mapping.TypeTimestamp, mapping.TypeTimestampS, mapping.TypeTimestampMS, mapping.TypeTimestampNS:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case mapping.TypeBlob, mapping.TypeGeometry, mapping.TypeUUID:
		if !v.json {
			return arrow.BinaryTypes.Binary
		}
	}
	return arrow.BinaryTypes.String
}

// number is v as a float64 for the kinds written as DOUBLE.
func number(v driver.Value) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case duckdb.Decimal:
		return x.Float64(), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	}
	return 0, false
}

// Text is how a value reads in a table or CSV: numbers in their shortest exact form, dates as
// ISO 8601, NULL as "".
func Text(v driver.Value, duck string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int8:
		return strconv.FormatInt(int64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case uint32, uint16, uint8:
		return fmt.Sprint(x)
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case duckdb.Decimal:
		return x.String()
	case time.Time:
		return formatTime(x, duck)
	case []byte:
		if duck == "UUID" && len(x) == 16 {
			return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16])
		}
		return fmt.Sprintf("\\x%x", x)
	case duckdb.UUID:
		return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16])
	case duckdb.Interval:
		return formatInterval(x)
	case duckdb.Union:
		return Text(x.Value, "")
	case []any, map[string]any, duckdb.OrderedMap, *duckdb.OrderedMap:
		// Nested values read as JSON.
		if b, err := json.Marshal(plain(v)); err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

// formatInterval writes an interval as DuckDB does: "1 year 2 months 3 days 04:05:06".
func formatInterval(iv duckdb.Interval) string {
	var parts []string
	unit := func(n int64, one, many string) {
		switch {
		case n == 1 || n == -1:
			parts = append(parts, fmt.Sprintf("%d %s", n, one))
		case n != 0:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	unit(int64(iv.Months/12), "year", "years")
	unit(int64(iv.Months%12), "month", "months")
	unit(int64(iv.Days), "day", "days")
	if iv.Micros != 0 || len(parts) == 0 {
		us := iv.Micros
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		t := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/3_600_000_000, us/60_000_000%60, us/1_000_000%60)
		if f := us % 1_000_000; f != 0 {
			t += strings.TrimRight(fmt.Sprintf(".%06d", f), "0")
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

// plain is a nested value (a LIST, STRUCT or MAP element) as JSON can hold it: numbers, strings,
// lists and objects.
func plain(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	case duckdb.OrderedMap:
		return plainMap(&x)
	case *duckdb.OrderedMap:
		return plainMap(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case nil, bool, string, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32:
		return x
	case duckdb.Decimal, *big.Int:
		return json.Number(Text(x, ""))
	case duckdb.Union:
		return plain(x.Value)
	}
	if f, ok := number(v); ok {
		return f
	}
	return Text(v, "")
}

// plainMap is a MAP as a JSON object, its keys as text.
func plainMap(m *duckdb.OrderedMap) map[string]any {
	keys, vals := m.Keys(), m.Values()
	out := make(map[string]any, len(keys))
	for i, k := range keys {
		out[Text(k, "")] = plain(vals[i])
	}
	return out
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

func formatTime(t time.Time, duck string) string {
	switch {
	case duck == "DATE":
		return t.Format(time.DateOnly)
	case strings.HasPrefix(duck, "TIME") && !strings.HasPrefix(duck, "TIMESTAMP"):
		return t.Format("15:04:05.999999")
	case strings.Contains(duck, "TIME ZONE") || duck == "TIMESTAMPTZ":
		return t.UTC().Format("2006-01-02 15:04:05.999999Z07:00")
	}
	return t.Format("2006-01-02 15:04:05.999999")
}
