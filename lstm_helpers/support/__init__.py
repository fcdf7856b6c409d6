"""Support code every layer may use: checks (argument checks with messages for learners), plots (course
style, Okabe–Ito colours), formatting (numbers in prose), env (installed versions against the pins),
evidence (a measurement over seeds, summarised; a claim counted as 'holds in k of n seeds').
Support imports nothing else of the package."""
