package synth

import (
	"image"
	"image/draw"
)

// Panorama generates one wall for each of opts and puts them side by side,
// left to right and top-aligned, on a white canvas as tall as the tallest:
// a scene a camera can pan along from one wall to the next.
func Panorama(opts ...Options) (*image.RGBA, error) {
	var walls []*Wall
	var w, h int
	for _, o := range opts {
		wall, err := Generate(o)
		if err != nil {
			return nil, err
		}
		walls = append(walls, wall)
		w += wall.Image.Rect.Dx()
		h = max(h, wall.Image.Rect.Dy())
	}
	canvas := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(canvas, canvas.Rect, image.White, image.Point{}, draw.Src)
	x := 0
	for _, wall := range walls {
		r := wall.Image.Rect
		draw.Draw(canvas, image.Rect(x, 0, x+r.Dx(), r.Dy()), wall.Image, r.Min, draw.Src)
		x += r.Dx()
	}
	return canvas, nil
}
