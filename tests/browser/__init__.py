"""Real-browser tests: JupyterLab and Voilà driven by Debian's Chromium through Playwright."""
