package explorer

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/ictstat/ictstat/indicators/figures"
)

// mapChart draws the map of the indicator in the year, the filter's members shown, as `ictstat
// chart map` draws it.
func (s *Source) mapChart(ctx context.Context, db *sql.DB, r DownloadRequest, in *indicatorInfo, year int, w *bytes.Buffer) error {
	c, err := figures.Build(ctx, db, figures.Request{Kind: figures.Map, Indicator: in.code, Year: year, Group: r.Filter, Classes: r.Classes, Lang: r.Lang})
	if errors.Is(err, figures.ErrRequest) {
		return requestError("%s", strings.TrimPrefix(err.Error(), figures.ErrRequest.Error()+": "))
	}
	if err != nil {
		return err
	}
	return render(c, r, w)
}
