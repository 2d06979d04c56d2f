/** The node binary of major line `line` ('22'), installed when missing by `install(title, command, args)`. See node-line.mjs. */
export function nodeOf(line: string, install: (title: string, command: string, args: string[]) => void): string;
