// Package load runs one file through the pipeline: read (engine/ingest) → validate
// (engine/validate) → store (engine/store), in one transaction.
//
// Chunks of the file are decoded and validated in parallel and appended to the store in file
// order, so a load is deterministic: the same file gives the same batch, series and rejects.
package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/engine/validate"
)

// DefaultMaxRejectRate is the share of a file's rows that may be rejected before the whole file
// is refused.
const DefaultMaxRejectRate = 0.10

// NoRejects as Options.MaxRejectRate refuses a file with any rejected row.
const NoRejects = -1

// Options say how to load a file.
type Options struct {
	Name          string // the file's name as recorded with its batch; "" records the path
	Read          ingest.Options
	Edition       store.Edition           // an empty label means the load date (YYYY-MM-DD)
	MaxRejectRate float64                 // share of rows that may be rejected; 0 means DefaultMaxRejectRate, NoRejects none
	Workers       int                     // decode and validate workers; 0 means one per core
	Progress      func(done, total int64) // bytes of the file loaded so far, of its size; called from one goroutine
	ToolVersion   string
	Allocator     memory.Allocator // for Arrow buffers; nil means the default allocator
	// ReplacesSeries loads the file as a revision of whole series: the years it omits for the
	// series it carries are withdrawn (store.LoadSpec.ReplacesSeries).
	ReplacesSeries bool
}

// Outcome is what loading a file did.
type Outcome struct {
	File    string
	SHA256  string
	Format  string
	Skipped bool // the same content was already loaded into the edition: nothing changed
	store.Result
	Duration time.Duration
}

// File loads the file at path into st. A file loads whole or not at all: when it cannot be
// parsed, has no data rows (store.ErrNoDataRows) or its rejected share passes opts.MaxRejectRate
// (store.ErrTooManyRejects), nothing of it lands. Loading the same content into the same edition
// twice changes nothing.
func File(ctx context.Context, st *store.Store, path string, opts Options) (out Outcome, err error) {
	started := time.Now()
	defer func() { out.Duration = time.Since(started) }()
	name := opts.Name
	if name == "" {
		name = path
	}
	out.File = name
	info, err := os.Stat(path)
	if err != nil {
		return out, err
	}
	explicitEdition := opts.Edition.Label != ""
	if !explicitEdition {
		opts.Edition = store.Edition{Label: started.Format("2006-01-02"), Released: started}
	}
	if opts.Edition.Released.IsZero() {
		opts.Edition.Released = started
	}
	// Content already loaded changes nothing. Only a file of the size of one already loaded can
	// have its content, and only then is it hashed before reading; otherwise the hash is taken as
	// the file is read.
	same, err := st.HasBatchOfSize(ctx, info.Size())
	if err != nil {
		return out, err
	}
	if same {
		sum, _, err := hashFile(path)
		if err != nil {
			return out, err
		}
		batch, found, err := st.FindBatch(ctx, sum, opts.Edition.Label, !explicitEdition)
		if err != nil {
			return out, err
		}
		if found {
			out.SHA256, out.Skipped, out.Batch = sum, true, batch
			return out, nil
		}
	}
	hashed := time.Now()
	ref, err := st.ValidationReference(ctx)
	if err != nil {
		return out, err
	}
	src, err := ingest.Open(path, opts.Read)
	if err != nil {
		return out, err
	}
	defer src.Close()
	out.Format = src.Format
	readOpts, _ := json.Marshal(opts.Read)
	maxRejects := opts.MaxRejectRate
	switch {
	case maxRejects == 0:
		maxRejects = DefaultMaxRejectRate
	case maxRejects < 0:
		maxRejects = 0
	}
	l, err := st.BeginLoad(ctx, store.LoadSpec{
		File:           name,
		Bytes:          info.Size(),
		Format:         src.Format,
		Options:        string(readOpts),
		EconomyScheme:  src.EconomyScheme,
		ValueColumn:    src.ColumnName(ingest.ColValue),
		Edition:        opts.Edition,
		ToolVersion:    opts.ToolVersion,
		MaxRejectRate:  maxRejects,
		ReplacesSeries: opts.ReplacesSeries,
	})
	if err != nil {
		return out, err
	}
	if err := pump(ctx, src, ref, l, opts); err != nil {
		l.Abort()
		return out, fmt.Errorf("%s: %w", name, err)
	}
	pumped := time.Now()
	sum, ok := src.SHA256()
	if !ok {
		l.Abort()
		return out, fmt.Errorf("%s: the file was not read to its end", name)
	}
	out.SHA256 = sum
	res, err := l.Finish(sum)
	out.Result = res
	out.Steps = append([]store.Step{{Name: "hash", Duration: hashed.Sub(started)}, {Name: "read, validate, stream", Duration: pumped.Sub(hashed)}}, res.Steps...)
	if err != nil {
		return out, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// decoded is a validated chunk waiting for its turn.
type decoded struct {
	seq     int
	end     int64 // the file offset where the chunk ends
	rec     arrow.RecordBatch
	rejects []ingest.Reject
	err     error
}

// pump reads chunks in order, decodes and validates them on workers, and appends the results to
// the load in file order.
func pump(ctx context.Context, src *ingest.Source, ref *validate.Reference, l *store.Load, opts Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	type job struct {
		seq   int
		end   int64
		chunk ingest.Chunk
	}
	jobs := make(chan job, workers)
	results := make(chan decoded, workers)
	// At most 2×workers chunks are read but not yet appended, so memory stays bounded when one
	// chunk is slow to decode and those after it wait for their turn.
	inflight := make(chan struct{}, 2*workers)
	var readErr error
	go func() {
		defer close(jobs)
		for seq := 0; ; seq++ {
			select {
			case inflight <- struct{}{}:
			case <-ctx.Done():
				return
			}
			c, err := src.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			end, _ := src.Progress()
			select {
			case jobs <- job{seq, end, c}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				d := decoded{seq: j.seq, end: j.end}
				batch, err := ingest.DecodeSafely(j.chunk, mem)
				if err != nil {
					d.err = err
				} else {
					d.rec, d.rejects = ref.Check(src, batch.Record, mem)
					d.rejects = append(batch.Rejects, d.rejects...)
					batch.Release()
				}
				select {
				case results <- d:
				case <-ctx.Done():
					if d.rec != nil {
						d.rec.Release()
					}
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]decoded{}
	next := 0
	var firstErr error
	for d := range results {
		if firstErr != nil {
			if d.rec != nil {
				d.rec.Release()
			}
			continue
		}
		pending[d.seq] = d
		for {
			d, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-inflight
			if d.err != nil {
				firstErr = d.err
				cancel()
				break
			}
			err := l.Append(d.rec, d.rejects)
			d.rec.Release()
			if err != nil {
				firstErr = err
				cancel()
				break
			}
			if opts.Progress != nil {
				_, total := src.Progress()
				opts.Progress(d.end, total)
			}
		}
	}
	for _, d := range pending {
		if d.rec != nil {
			d.rec.Release()
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

// hashFile returns the SHA-256 and size of a file.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// IsRefused reports whether err means the file was refused whole for its content (unparseable,
// past the bounds of the readers or of the store, no data rows or too many rejects), as opposed to
// a failure of the machine or the database.
func IsRefused(err error) bool {
	return errors.Is(err, store.ErrTooManyRejects) || errors.Is(err, store.ErrNoDataRows) || errors.Is(err, store.ErrTooMuchText) ||
		errors.As(err, new(*ingest.FormatError))
}
