{{ latest_version(ref('stg_cp_plans'), 'plan_id') }}
