// Records the WebSocket frames a page sends and receives, one JSON line each, with VS Code's protocol header
// (type, id, ack, length) decoded when a frame carries one. Shared by capture-frames.mjs and idle-experiment.mjs.
import { writeFileSync, appendFileSync } from 'node:fs';

/** Starts recording `page`'s WebSocket frames into `out`; `phase()` names what the script is doing. */
export function recordFrames(page, out, t0, phase) {
  writeFileSync(out, '');
  let sockets = 0;
  page.on('websocket', (ws) => {
    const sock = ++sockets;
    const record = (dir) => (frame) => {
      const p = frame.payload;
      const b = typeof p === 'string' ? Buffer.from(p) : p;
      const rec = { t: Date.now() - t0, phase: phase(), sock, dir, size: b.length };
      if (b.length >= 13) {
        rec.type = b[0];
        rec.id = b.readUInt32BE(1);
        rec.ack = b.readUInt32BE(5);
        rec.len = b.readUInt32BE(9);
        rec.head = b.subarray(13, 13 + 400).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
      }
      appendFileSync(out, JSON.stringify(rec) + '\n');
    };
    ws.on('framesent', record('out'));
    ws.on('framereceived', record('in'));
    console.log(`socket ${sock}: ${ws.url()}`);
  });
}
