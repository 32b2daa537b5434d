-- Every study belongs to a tenant (the "tenant" claim of the submitter's token); a tenant sees its own studies only.
alter table study add column tenant varchar(100) not null default 'default';
create index study_tenant_idx on study (tenant, created_at);
