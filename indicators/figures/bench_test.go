package figures_test

import (
	"io"
	"testing"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
	"github.com/ictstat/ictstat/indicators/figures"
)

func benchmarkFigure(b *testing.B, req figures.Request, size chart.Size, format string) {
	db := computetest.Open(b)
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			if _, err := figures.Build(ctx, db, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	src := figures.NewSource(db)
	b.Run("build-from-source", func(b *testing.B) {
		for b.Loop() {
			if _, err := src.Build(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	c, err := figures.Build(ctx, db, req)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("render", func(b *testing.B) {
		for b.Loop() {
			if err := chart.Render(c, format, size, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTrendPNG(b *testing.B) {
	benchmarkFigure(b, figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"KEN", "UGA", "TZA"}, From: 2005, To: 2024, Target: "umc_2030:UMC.1"}, chart.DefaultSize, "png")
}

func BenchmarkSmallMultiplesPNG(b *testing.B) {
	benchmarkFigure(b, figures.Request{Kind: figures.SmallMultiples, Indicator: "internet_use_pct", Group: "LDC", From: 2005, To: 2024}, chart.Size{Width: 24, Height: 20, Unit: "cm", DPI: 150}, "png")
}

// BenchmarkMapPNG: a world map at the default size; the boundaries are decoded and projected
// once per process, before the first map.
func BenchmarkMapPNG(b *testing.B) {
	benchmarkFigure(b, figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 2023}, chart.DefaultSize, "png")
}
