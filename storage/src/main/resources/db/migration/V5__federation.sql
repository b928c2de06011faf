-- Keyless CI login (io.gatehouse.core.access.policy.RobotFederation): a federated robot accepts an OIDC token
-- from one external issuer instead of a secret (its robots.secret_hash is '!', which no password verifies).
-- claims: JSON object, claim name -> exact value or glob ('*' = any run of characters).
CREATE TABLE robot_federations (
  robot_name  VARCHAR(255) ${name_order} NOT NULL,
  issuer      VARCHAR(2048) NOT NULL,
  audience    VARCHAR(255) NOT NULL,
  claims      VARCHAR NOT NULL,
  CONSTRAINT robot_federations_pk PRIMARY KEY (robot_name),
  CONSTRAINT robot_federations_robot_fk FOREIGN KEY (robot_name) REFERENCES robots (name)
);
