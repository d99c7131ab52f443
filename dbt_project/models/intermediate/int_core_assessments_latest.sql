{{ latest_version(ref('stg_core_assessments'), 'assessment_id') }}
