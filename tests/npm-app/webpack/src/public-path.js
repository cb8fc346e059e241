// Where webpack loads the emitted files from (the wasm among them), set from the page's origin.
// webpack's default, `output.publicPath: 'auto'`, reads the bundle's own address through
// `document.currentScript.src`, which a `<base href>` injected into the page's body rewrites: the
// wasm would then come from the injected host. `location.origin` no markup can change.
// Imported first by main.js, so that it runs before any other module asks for a file.
__webpack_public_path__ = location.origin + '/dist/';
