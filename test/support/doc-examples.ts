/**
 * The curl examples of a Markdown page: each command of each ```sh block that calls
 * curl, with what the page says it answers (a `# HTTP/1.1 409` comment, an error
 * shown in a `# {...}` comment, or the ```json block right after a one-command block).
 */
export interface CurlExample {
  /** 1-based line of the command in the page. */
  readonly line: number;
  /** The command as written (continuation lines joined). */
  readonly command: string;
  /** The status a `# HTTP/1.1 NNN` comment promises. */
  readonly status?: number;
  /** The error code the page shows for it. */
  readonly errorCode?: string;
  /** The example answer the page shows, when it shows one as JSON. */
  readonly response?: unknown;
}

export function curlExamples(markdown: string): CurlExample[] {
  const lines = markdown.split('\n');
  const blocks: { lang: string; start: number; end: number; body: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1] ?? '', start, end: i, body });
  }
  const out: CurlExample[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'sh' || !block.body.some((l) => /^curl\b/.test(l))) return;
    const commands: { line: number; command: string; status?: number; errorCode?: string }[] = [];
    for (let j = 0; j < block.body.length; j++) {
      const text = block.body[j];
      if (/^curl\b/.test(text)) {
        const line = block.start + j + 2;
        let command = text;
        // A command goes on after a trailing backslash, and inside a quoted JSON body spread over lines.
        const unfinished = () => command.endsWith('\\') || (command.match(/'/g)?.length ?? 0) % 2 === 1;
        while (unfinished() && j + 1 < block.body.length) {
          j++;
          command = command.endsWith('\\') ? `${command.slice(0, -1).trimEnd()} ${block.body[j].trim()}` : `${command}\n${block.body[j]}`;
        }
        commands.push({ line, command });
        continue;
      }
      const last = commands[commands.length - 1];
      const status = /^#\s*HTTP\/1\.1 (\d{3})/.exec(text);
      const code = /"code":"([a-z_]+)"/.exec(text);
      if (last !== undefined && status !== null) last.status = Number(status[1]);
      if (last !== undefined && code !== null) last.errorCode = code[1];
    }
    const next = blocks[index + 1];
    const adjacent = next !== undefined && next.lang === 'json' && lines.slice(block.end + 1, next.start).every((l) => l.trim() === '');
    let response: unknown;
    if (adjacent && commands.length === 1) {
      try {
        response = JSON.parse(next.body.join('\n'));
      } catch {
        response = undefined; // an abridged example ("...") is not JSON; nothing to learn from it
      }
    }
    for (const c of commands) {
      const errorCode = c.errorCode ?? errorCodeOf(response);
      out.push({ ...c, ...(errorCode === undefined ? {} : { errorCode }), ...(response === undefined ? {} : { response }) });
    }
  });
  return out;
}

function errorCodeOf(response: unknown): string | undefined {
  const error = (response as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
