{{ latest_version(ref('stg_initial_assessments'), 'assessment_id') }}
