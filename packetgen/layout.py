"""Page geometry shared by every stage: US Letter, and the band kept free for the page stamp."""

LETTER = (612.0, 792.0)          # points: 8.5 x 11 in
STAMP_BAND = 30.0                # bottom band (pt) reserved for the packet page stamp on our own and evidence pages
CONTENT_BOX = (0.0, STAMP_BAND, LETTER[0], LETTER[1])   # where evidence content is fitted (x0, y0, x1, y1)
