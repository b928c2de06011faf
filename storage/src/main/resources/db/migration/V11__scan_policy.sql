-- Pull policies and CVE allowlists (io.gatehouse.core.store.ScanPolicyStore). Same conventions as V1/V2.
-- Independent of the scan results' own tables: the policy only names thresholds and accepted advisories.

-- One row per project that has set a policy; a project without a row blocks nothing.
CREATE TABLE scan_policies (
  project          VARCHAR(255) ${name_order} NOT NULL,
  block_severity   VARCHAR(8) NOT NULL,
  block_unscanned  BOOLEAN NOT NULL,
  updated_by       VARCHAR(255) NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT scan_policies_pk PRIMARY KEY (project),
  CONSTRAINT scan_policies_project_fk FOREIGN KEY (project) REFERENCES projects (name),
  CONSTRAINT scan_policies_severity CHECK (block_severity IN ('critical', 'high', 'medium', 'low', 'none'))
);

-- scope is '' for the system-wide list, the project's name otherwise. advisory_id is an advisory id or an
-- alias (CVE-...), kept as entered; the pull gate compares it without regard to case.
CREATE TABLE cve_allowlist (
  scope        VARCHAR(255) ${name_order} NOT NULL,
  advisory_id  VARCHAR(128) ${name_order} NOT NULL,
  reason       VARCHAR(1024) NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  created_by   VARCHAR(255) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT cve_allowlist_pk PRIMARY KEY (scope, advisory_id)
);
