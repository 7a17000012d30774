"""整治台账: campaigns, problem lists from every channel, rectification with lead and co-units,
close-out (销号) with evidence and sign-off, random re-checks (回头看), surveys and forums, and the
performance assessment (月总结、季考评) computed from the platform's own data."""
