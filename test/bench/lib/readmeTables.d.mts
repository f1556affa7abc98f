export function updateReadme(text: string, results: Record<string, unknown>): string;
