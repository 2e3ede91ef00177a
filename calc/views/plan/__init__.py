"""What the Plan page shows, one concern per module (the page renders; nothing here imports
Streamlit):

    settings  every setting of both views, and how they travel in a share link
    workload  a workload three ways: images (or a zip), a file of sizes, a size mix
    totals    a workload priced per distinct size and model, volume-free; the resize advisor's
              fits; the per-image tables
    figures   the volume as the user means it, and each model's cost per request, day, month
              and backlog; rate and request limits; the advisor's table
    month     which day a month is priced on, and the models shut down by then
    prompt    a pasted prompt counted, offline
    generate  what generated images cost (the Generate view)
    table     tables as typed columns of exact values
    export    those tables as CSV and JSON, numbers as numbers
    screen    the Workload view's PlanScreen: everything it shows, for the page to render

Layered (.importlinter): screen above export, generate, figures; those above totals and
settings; those above workload, month, prompt and table.
"""
