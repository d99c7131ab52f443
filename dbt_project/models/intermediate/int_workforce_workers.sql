-- Each worker of a month's workforce snapshot, with the flags the workforce indicators
-- and the workforce fact count by, and the open cases allocated to them in the same
-- month's allocations snapshot (worker ids match case-sensitively).
with

workforce as (select * from {{ ref('stg_workforce') }}),

cases_by_worker as (

    select month_start, district_code, worker_id, count(*) as allocated_cases
    from {{ ref('stg_allocations') }}
    where worker_id is not null
    group by all

),

final as (

    select
        workforce.month_start,
        workforce.district_code,
        workforce.worker_id,
        workforce.team_code,
        workforce.team_type,
        workforce.employment_type,
        workforce.fte,
        workforce.is_case_holding,
        workforce.is_case_holding and workforce.employment_type = 'agency'
            as is_case_holding_agency,
        workforce.is_case_holding and workforce.employment_type = 'permanent'
            as is_case_holding_permanent,
        workforce.is_case_holding and workforce.team_type = 'fieldwork'
            as is_fieldwork_case_holder,
        coalesce(cases_by_worker.allocated_cases, 0) as allocated_cases
    from workforce
    left join cases_by_worker using (month_start, district_code, worker_id)

)

select * from final
