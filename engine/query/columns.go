package query

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"
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
		return fmt.Sprintf("\\x%x", x)
	}
	return fmt.Sprint(v)
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
