import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

/**
 * A theme file that is there but cannot be used (unreadable, not JSON, not Handlebars),
 * or a file that neither the operator's theme nor the default has. The message names
 * the file and what is wrong with it, so `tender start` and `tender config check` can
 * print it instead of a dependency-injection stack trace.
 */
export class ThemeFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`theme file ${file}: ${problem}`);
    this.name = 'ThemeFileError';
  }
}

/**
 * One template set as an operator's theme over the built-in one: each file is read from
 * the first layer that has it (the operator's directory, then the default shipped in the
 * package), so a theme holds only the files it changes and everything else falls back to
 * the default. A listing (partials, assets, views) is the union of the layers.
 *
 * @example
 * ```ts
 * const files = ThemeFiles.over('/etc/tender/theme/email', EMAIL_TEMPLATES_DIR);
 * files.read('receipt.html.hbs');      // the operator's receipt, or the default one
 * files.json('locales/ru.json');       // parsed; a syntax error names the file
 * ```
 */
export class ThemeFiles {
  /** The directories looked in, first wins; the last is the built-in default. */
  readonly layers: readonly string[];

  constructor(layers: readonly string[]) {
    this.layers = layers.filter((dir, i) => layers.findIndex((d) => path.resolve(d) === path.resolve(dir)) === i);
  }

  /** The operator's directory (when set) over the default; a missing operator directory is allowed (nothing overridden). */
  static over(operatorDir: string | undefined, defaultDir: string): ThemeFiles {
    return new ThemeFiles(operatorDir === undefined ? [defaultDir] : [operatorDir, defaultDir]);
  }

  /** Where `relative` is read from, or undefined when no layer has it. */
  find(relative: string): string | undefined {
    for (const dir of this.layers) {
      const file = path.join(dir, relative);
      if (fs.existsSync(file)) return file;
    }
    return undefined;
  }

  read(relative: string): string {
    const file = this.find(relative);
    if (file === undefined) throw new ThemeFileError(path.join(this.layers[0] ?? '', relative), `missing (looked in ${this.layers.join(', ')})`);
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ThemeFileError(file, `cannot be read (${(error as Error).message})`);
    }
  }

  /** A JSON file of the first layer that has it; throws naming the file when it is not JSON. */
  json<T>(relative: string): T {
    const source = this.read(relative);
    try {
      return JSON.parse(source) as T;
    } catch (error) {
      throw new ThemeFileError(this.find(relative) ?? relative, `is not valid JSON (${(error as Error).message})`);
    }
  }

  /** The same JSON file in every layer that has it, default first: for merging an operator's texts over the default's. */
  jsonLayers<T>(relative: string): T[] {
    const out: T[] = [];
    for (const dir of [...this.layers].reverse()) {
      const file = path.join(dir, relative);
      if (!fs.existsSync(file)) continue;
      try {
        out.push(JSON.parse(fs.readFileSync(file, 'utf8')) as T);
      } catch (error) {
        throw new ThemeFileError(file, `is not valid JSON (${(error as Error).message})`);
      }
    }
    return out;
  }

  /**
   * A Handlebars template parsed now (Handlebars compiles lazily, at the first render:
   * a syntax error would reach a buyer instead of the start), then compiled in `env`.
   */
  compile(env: typeof Handlebars, relative: string, options?: CompileOptions): HandlebarsTemplateDelegate {
    const source = this.read(relative);
    try {
      env.parse(source);
    } catch (error) {
      throw new ThemeFileError(this.find(relative) ?? relative, `is not a valid Handlebars template (${(error as Error).message.split('\n')[0] ?? ''})`);
    }
    return env.compile(source, options);
  }

  /** File names in `relativeDir` of every layer (union, sorted), optionally only those ending with `suffix`. */
  list(relativeDir: string, suffix = ''): string[] {
    const names = new Set<string>();
    for (const dir of this.layers) {
      const folder = path.join(dir, relativeDir);
      if (!fs.existsSync(folder)) continue;
      for (const entry of fs.readdirSync(folder, { withFileTypes: true })) if (entry.isFile() && entry.name.endsWith(suffix)) names.add(entry.name);
    }
    return [...names].sort();
  }

  /** Sub-folder names of `relativeDir` in every layer (union, sorted). */
  folders(relativeDir: string): string[] {
    const names = new Set<string>();
    for (const dir of this.layers) {
      const folder = path.join(dir, relativeDir);
      if (!fs.existsSync(folder)) continue;
      for (const entry of fs.readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory()) names.add(entry.name);
    }
    return [...names].sort();
  }

  /** The same set one folder down in each layer (`email/` of a theme over core's email templates). */
  sub(relativeDir: string): ThemeFiles {
    return new ThemeFiles(this.layers.map((dir) => path.join(dir, relativeDir)));
  }
}
