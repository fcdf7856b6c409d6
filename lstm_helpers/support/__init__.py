"""Support code every layer may use: plots (course style, Okabe–Ito colours), formatting (numbers in
prose), env (installed versions against the pins). Support imports nothing else of the package."""
