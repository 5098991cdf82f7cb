-- conduit.integration: drops the module's own tables (../mysql/install.sql); run by
-- Storage\ModuleTables::drop() when the data is not kept.
DROP TABLE IF EXISTS b_conduit_webhook_event;
DROP TABLE IF EXISTS b_conduit_worker;
