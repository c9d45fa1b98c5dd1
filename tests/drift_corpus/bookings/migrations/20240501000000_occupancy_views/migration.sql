CREATE VIEW "RoomOccupancy" AS
  SELECT r."id" AS "roomId", count(b."id")::int AS "bookings"
  FROM "Room" r LEFT JOIN "Booking" b ON b."roomId" = r."id"
  GROUP BY r."id";

CREATE VIEW "room_names" AS SELECT "id", "name" FROM "Room";
