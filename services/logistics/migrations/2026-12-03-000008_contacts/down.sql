DROP TABLE approvals_awaiting_contact;
DROP TABLE contacts;
