// Preloaded with `node -r`: the Playground listens on every interface and has no flag for
// that, so every TCP listen without an explicit loopback host is pinned to 127.0.0.1.
"use strict";
const net = require("net");
const LOOPBACK = "127.0.0.1";
const original = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    if (first.path === undefined && first.fd === undefined && first.handle === undefined) {
      args[0] = { ...first, host: LOOPBACK };
    }
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof args[1] === "string") {
      args[1] = LOOPBACK;
    } else {
      args.splice(1, 0, LOOPBACK);
    }
  } else if (first === undefined || typeof first === "function") {
    args.unshift(0, LOOPBACK);
  }
  return original.apply(this, args);
};
