export const CONSOLE_PAGE = '<!doctype html><title>Duban console</title><p>Loading…</p>';
