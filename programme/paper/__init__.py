"""On paper and on walls: the programme as a PDF for any selection, a poster per event, the
social visuals and what the organiser's kit links to (docs/architecture.md, « Paper »)."""
