-- What a run waiting for a person needs to go on, unmasked: step outputs that
-- later steps read and an agent's transcript, where masking secrets changed
-- them (run_steps.output keeps the masked copy). Erased when the run ends.
ALTER TABLE run_steps ADD COLUMN resume TEXT;
