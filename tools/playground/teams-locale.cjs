// Preloaded with `node -r`: the Playground writes `"locale":"en-US"` into every activity it
// sends, whatever the user's language, while Teams sends the client's locale. This rewrites
// that field in requests to the bot to PLAYGROUND_LOCALE (same length, e.g. ja-JP), so a
// local run answers in the language our users see. Unset or en-US: nothing is changed.
"use strict";
const http = require("http");
const target = process.env.PLAYGROUND_LOCALE || "en-US";
const from = '"locale":"en-US"';
const to = `"locale":"${target}"`;

if (target !== "en-US") {
  if (Buffer.byteLength(to) !== Buffer.byteLength(from)) {
    throw new Error(`PLAYGROUND_LOCALE must look like xx-YY, got ${target}`);
  }
  const rewrite = (request, chunk) => {
    if (!String(request.path || "").endsWith("/api/messages")) return chunk;
    if (typeof chunk === "string") return chunk.split(from).join(to);
    if (Buffer.isBuffer(chunk)) return Buffer.from(chunk.toString("utf8").split(from).join(to));
    return chunk;
  };
  const write = http.ClientRequest.prototype.write;
  const end = http.ClientRequest.prototype.end;
  http.ClientRequest.prototype.write = function (chunk, ...rest) {
    return write.call(this, rewrite(this, chunk), ...rest);
  };
  http.ClientRequest.prototype.end = function (chunk, ...rest) {
    if (chunk !== undefined && typeof chunk !== "function") chunk = rewrite(this, chunk);
    return end.call(this, chunk, ...rest);
  };
}
