import { useEffect, useId, useRef, type PointerEvent } from 'react';

export type Stroke = Array<[number, number]>;

const BOX_W = 1000;
const BOX_H = 300;
/** Points closer than this (in box units) add nothing visible and only weigh on the record. */
const MIN_STEP = 2;

function draw(canvas: HTMLCanvasElement, strokes: Stroke[]) {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, BOX_W, BOX_H);
  ctx.strokeStyle = '#10233f';
  ctx.lineWidth = 4;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
    if (!s.length) continue;
    ctx.beginPath();
    ctx.moveTo(s[0]![0], s[0]![1]);
    if (s.length === 1) ctx.lineTo(s[0]![0] + 0.1, s[0]![1]);
    for (const [x, y] of s.slice(1)) ctx.lineTo(x, y);
    ctx.stroke();
  }
}

/**
 * A handwritten signature as vector strokes in a 1000×300 box (the contract's Signature), drawn
 * with mouse, pen or finger. The canvas keeps its own coordinate box whatever its size on screen.
 */
export function FirmaPad({
  label,
  strokes,
  onChange,
  readOnly,
  required = false,
}: {
  label: string;
  strokes: Stroke[];
  onChange?: (s: Stroke[]) => void;
  readOnly?: boolean;
  /** A signature of the commission the Scheda requires (else a reason is recorded at sealing). */
  required?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const current = useRef<Stroke | null>(null);
  const latest = useRef(strokes);
  latest.current = strokes;
  const hintId = useId();

  useEffect(() => {
    if (canvas.current) draw(canvas.current, strokes);
  }, [strokes]);

  function point(e: PointerEvent<HTMLCanvasElement>): [number, number] {
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.min(BOX_W, Math.max(0, ((e.clientX - r.left) / r.width) * BOX_W));
    const y = Math.min(BOX_H, Math.max(0, ((e.clientY - r.top) / r.height) * BOX_H));
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  function down(e: PointerEvent<HTMLCanvasElement>) {
    if (readOnly || !onChange || latest.current.length >= 500) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    current.current = [point(e)];
    draw(e.currentTarget, [...latest.current, current.current]);
  }
  function move(e: PointerEvent<HTMLCanvasElement>) {
    const s = current.current;
    if (!s) return;
    const p = point(e);
    const last = s[s.length - 1]!;
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) < MIN_STEP) return;
    s.push(p);
    draw(e.currentTarget, [...latest.current, s]);
  }
  function up() {
    const s = current.current;
    current.current = null;
    if (s && onChange) onChange([...latest.current, s]);
  }

  return (
    <div className="firma-pad">
      <canvas
        ref={canvas}
        width={BOX_W}
        height={BOX_H}
        className={readOnly ? 'firma-canvas firma-readonly' : 'firma-canvas'}
        role="img"
        aria-label={strokes.length ? `${label}: firma tracciata` : `${label}: nessuna firma`}
        aria-describedby={readOnly ? undefined : hintId}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      {!readOnly && (
        <div className="firma-actions">
          <span id={hintId} className="hint">
            Firmare con il mouse, la penna o il dito.{' '}
            {required ? 'Richiesta dalla Scheda: senza, alla chiusura va indicato il motivo.' : 'La firma è facoltativa.'}
          </span>
          <button type="button" onClick={() => onChange?.([])} disabled={!strokes.length} aria-label={`Cancella: ${label}`}>
            Cancella
          </button>
        </div>
      )}
    </div>
  );
}
