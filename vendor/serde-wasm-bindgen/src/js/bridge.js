// consent-gate patch (see `put` in ../lib.rs): what the wasm tests load for this crate's
// `put`. consent-gate's build resolves this module to consent-gate's own src/js/bridge.js,
// whose `put` is the same.
export const put = (o, k, v) => {
  try {
    o[k] = v;
  } catch (e) {}
};
