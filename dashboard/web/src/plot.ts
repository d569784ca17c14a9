// Drawing on a uPlot chart's canvas, clipped to its plot area.
import uPlot from "uplot";

/** The plot area in canvas pixels, and the device pixel ratio to scale line widths by. */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
  px: number;
}

/** Runs {@code draw} with the context saved, clipped to the plot area, and restored afterwards. */
export function drawInPlot(u: uPlot, draw: (ctx: CanvasRenderingContext2D, box: PlotBox) => void): void {
  const { left, top, width, height } = u.bbox;
  const ctx = u.ctx;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  try {
    draw(ctx, { left, top, width, height, px: uPlot.pxRatio });
  } finally {
    ctx.restore();
  }
}
