/**
 * Every face's entry function, bundled once into dist/stoat; dist/<face>/index.js are two-line
 * files made by scripts/build.mjs that call one of them. One bundle instead of five keeps the
 * committed code and the build time small. Each face is imported only when it is called, so the
 * bundler puts it in a chunk of its own: the CLI never loads @actions/* (and the HTTP client under
 * it), and a start-up compiles only what the face it runs needs.
 */
export async function actionMain(): Promise<void> {
  await (await import('./action/main.js')).actionMain();
}

export async function actionPost(): Promise<void> {
  await (await import('./action/post.js')).actionPost();
}

export async function actionRestore(): Promise<void> {
  await (await import('./action/restore.js')).actionRestore();
}

export async function actionSave(): Promise<void> {
  await (await import('./action/save.js')).actionSave();
}

export async function cliMain(): Promise<void> {
  await (await import('./cli/main.js')).cliMain();
}
