-- The pipeline an account's new leads go to when they name none (AmoHub:Accounts:N:DefaultPipelineId, or
-- defaultPipelineId over the API); NULL: amoCRM's main pipeline, as before.

ALTER TABLE accounts ADD COLUMN default_pipeline_id BIGINT NULL
GO
