/**
 * Route templates of HTTP triggers (`route` option, ASP.NET style): literal segments, `{name}`,
 * optional `{name?}`, catch-all `{*rest}` and the `int`, `alpha`, `guid`, `bool` constraints.
 * Matching is case-insensitive, like the Functions host.
 */
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  alpha: '[A-Za-z]+',
  bool: '(?:true|false)',
  guid: '[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}',
};

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  const names: string[] = [];
  const segments = trimmed === '' ? [] : trimmed.split('/');
  let pattern = '';
  for (const segment of segments) {
    const whole = /^\{(\*)?([A-Za-z_][\w]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(segment);
    if (whole) {
      const [, catchAll, name = '', constraint, optional] = whole;
      names.push(name);
      if (catchAll) {
        pattern += '(?:/(.*))?';
      } else {
        const body = (constraint && CONSTRAINTS[constraint.toLowerCase()]) ?? '[^/]+';
        pattern += optional ? `(?:/(${body}))?` : `/(${body})`;
      }
      continue;
    }
    // Literal text with embedded parameters, e.g. `files/{name}.json`.
    let part = '';
    let rest = segment;
    for (;;) {
      const m = /\{([A-Za-z_][\w]*)(?::[A-Za-z]+)?\}/.exec(rest);
      if (!m) {
        part += escapeRegex(rest);
        break;
      }
      part += escapeRegex(rest.slice(0, m.index)) + '([^/]+?)';
      names.push(m[1] ?? '');
      rest = rest.slice(m.index + m[0].length);
    }
    pattern += `/${part}`;
  }
  const regex = new RegExp(`^${pattern}/?$`, 'i');
  return {
    template: trimmed,
    match(path: string) {
      const normalized = path === '' || path.startsWith('/') ? path : `/${path}`;
      const m = regex.exec(normalized);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = m[i + 1];
        if (value !== undefined) params[name] = decodeURIComponent(value);
      });
      return params;
    },
  };
}
