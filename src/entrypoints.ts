/**
 * Every face's entry function, bundled once into dist/stoat; dist/<face>/index.js are two-line
 * files made by scripts/bundle.mjs that call one of them. One bundle instead of five keeps the
 * committed code and the build time small. Each face's module exports `run()`, as GitHub's
 * typescript-action template does (so `@github/local-action` runs src/action/main.ts as it is), and
 * is imported only when it is called, so the bundler puts it in a chunk of its own: the CLI never
 * loads @actions/* (and the HTTP client under it), and a start-up compiles only what the face it
 * runs needs.
 */
export async function actionMain(): Promise<void> {
  await (await import('./action/main.js')).run();
}

export async function actionPost(): Promise<void> {
  await (await import('./action/post.js')).run();
}

export async function actionRestore(): Promise<void> {
  await (await import('./action/restore.js')).run();
}

export async function actionSave(): Promise<void> {
  await (await import('./action/save.js')).run();
}

export async function cliMain(): Promise<void> {
  await (await import('./cli/main.js')).run();
}

/**
 * Not a face: what a process started by the GitHub Actions cache remote runs (src/remote/gha/
 * cacheWorkerLaunch.ts), serving @actions/cache requests. @actions/cache is loaded only there.
 */
export async function ghaWorker(): Promise<void> {
  await (await import('./remote/gha/cacheWorker.js')).run();
}
