-- A direct upload's complete claims its pending row until `completing_until`
-- (then another complete may claim it again): the complete copies the PUT
-- object (a staging key) to the photo's own key and checks the copy, and two
-- completes at once could otherwise copy one after the other's check,
-- leaving a ready photo whose bytes are not the ones checked.
ALTER TABLE photos ADD COLUMN completing_until timestamptz;
